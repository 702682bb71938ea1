/** A channel and direction icon with its meaning for screen readers ("Incoming chat"). */

import { CHANNEL_GLYPHS, DIRECTION_GLYPHS, channelDescription } from "./format";
import type { Channel, Direction } from "./protocol";

export function ChannelIcon({ channel, direction }: { channel: Channel; direction: Direction }) {
  const description = channelDescription(channel, direction);
  return (
    <span class={`channel-icon channel-icon--${direction}`} title={description}>
      <span aria-hidden="true">
        {CHANNEL_GLYPHS[channel]}
        <span class="channel-icon__direction">{DIRECTION_GLYPHS[direction]}</span>
      </span>
      <span class="visually-hidden">{description}</span>
    </span>
  );
}

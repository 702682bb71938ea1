/** One message of a conversation as the agent's panel and the supervisor's transcript show it. */

import { formatWhen } from "./format";
import type { MessageView } from "./protocol";

export function MessageItem({ message }: { message: MessageView }) {
  return (
    <li class={`message message--${message.from}`} data-seq={message.seq}>
      <span class="message__author">{message.from === "system" ? "" : message.authorName}</span>
      <p class="message__text">{message.text}</p>
      <time class="message__time" dateTime={message.sentAt}>
        {formatWhen(message.sentAt)}
      </time>
    </li>
  );
}

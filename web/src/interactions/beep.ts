/**
 * The audible cue before an offer is answered automatically: a short two-tone beep generated with the
 * Web Audio API (no audio file). Browsers only let a page make sound after the person interacted with it;
 * before that the cue is skipped silently (the offer card still says it is being answered).
 */

/** The part of AudioContext the beep uses, so it can be tested without a browser. */
export interface AudioLike {
  readonly currentTime: number;
  readonly state: string;
  readonly destination: unknown;
  resume(): Promise<void>;
  createOscillator(): {
    type: string;
    frequency: { setValueAtTime(value: number, time: number): unknown };
    connect(node: unknown): unknown;
    start(when?: number): void;
    stop(when?: number): void;
  };
  createGain(): {
    gain: {
      setValueAtTime(value: number, time: number): unknown;
      exponentialRampToValueAtTime(value: number, time: number): unknown;
    };
    connect(node: unknown): unknown;
  };
}

/** Two tones (Hz) of 120 ms each. */
export const BEEP_TONES: readonly number[] = [880, 1320];
const TONE_S = 0.12;
const VOLUME = 0.2;

/** Schedule the beep on `audio`; returns how long it lasts (seconds). */
export function playBeep(audio: AudioLike): number {
  if (audio.state === "suspended") audio.resume().catch(() => undefined);
  const start = audio.currentTime + 0.01;
  BEEP_TONES.forEach((frequency, index) => {
    const at = start + index * TONE_S;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.setValueAtTime(frequency, at);
    gain.gain.setValueAtTime(VOLUME, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + TONE_S);
    oscillator.connect(gain);
    gain.connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + TONE_S);
  });
  return BEEP_TONES.length * TONE_S;
}

let shared: AudioLike | null = null;

/** Beep on the page's one AudioContext (created on first use); nothing when the browser has no Web Audio. */
export function browserBeep(): void {
  try {
    if (shared === null) {
      const Context = (globalThis as { AudioContext?: new () => AudioLike }).AudioContext;
      if (Context === undefined) return;
      shared = new Context();
    }
    playBeep(shared);
  } catch {
    // No sound is better than a broken offer card.
  }
}

import { Wallboard } from "../wallboard/Wallboard";

/** The supervisor wallboard: the agents of the supervisor's teams and the queues, in real time. */
export function WallboardView() {
  return (
    <section class="view wallboard" aria-labelledby="view-title">
      <div class="view__header">
        <h1 id="view-title" class="view__title" tabIndex={-1}>
          Wallboard
        </h1>
        <p class="view__subtitle">Agents in your teams and the queues, live.</p>
      </div>
      <Wallboard />
    </section>
  );
}

import { Wallboard } from "../wallboard/Wallboard";

/** The supervisor wallboard: the agents of the supervisor's teams in real time (queues come later). */
export function WallboardView() {
  return (
    <section class="view wallboard" aria-labelledby="view-title">
      <div class="view__header">
        <h1 id="view-title" class="view__title" tabIndex={-1}>
          Wallboard
        </h1>
        <p class="view__subtitle">Agents in your teams, live.</p>
      </div>
      <Wallboard />
    </section>
  );
}

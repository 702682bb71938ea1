/** A horizontal SVG bar chart (stacked when the chart has series), with the values written out for everyone. */

import type { Chart } from "./shape";

const PALETTE = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563", "#db2777"];
const ROW = 24;
const LABEL = 180;
const WIDTH = 640;

export function BarChart({ chart }: { chart: Chart }) {
  if (chart.bars.length === 0) return <p class="reports__empty">Nothing to chart for these days.</p>;
  const scale = chart.max > 0 ? (WIDTH - LABEL - 70) / chart.max : 0;
  const height = chart.bars.length * ROW + 8;
  const colour = (series: string) => PALETTE[Math.max(0, chart.series.indexOf(series)) % PALETTE.length];
  return (
    <figure class="reports__chart">
      <figcaption>
        {chart.title}
        {chart.unit && ` (${chart.unit})`}
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label={chart.title}>
        {chart.bars.map((bar, index) => {
          let x = LABEL;
          const total = bar.segments.reduce((sum, s) => sum + s.value, 0);
          return (
            <g key={bar.label} transform={`translate(0 ${index * ROW + 4})`}>
              <text x={LABEL - 8} y={ROW / 2 + 4} text-anchor="end" font-size="12">
                {bar.label}
              </text>
              {bar.segments.map((segment) => {
                const width = Math.max(0, segment.value * scale);
                const rect = (
                  <rect key={segment.series} x={x} y={3} width={width} height={ROW - 8} fill={colour(segment.series)}>
                    <title>{`${segment.series ? `${segment.series}: ` : ""}${segment.value} ${chart.unit}`}</title>
                  </rect>
                );
                x += width;
                return rect;
              })}
              <text x={x + 6} y={ROW / 2 + 4} font-size="12">
                {`${Math.round(total * 10) / 10}${chart.unit ? ` ${chart.unit}` : ""}`}
              </text>
            </g>
          );
        })}
      </svg>
      {chart.series.length > 1 && (
        <ul class="reports__legend">
          {chart.series.map((series) => (
            <li key={series}>
              <span class="reports__swatch" style={{ background: colour(series) }} aria-hidden="true" />
              {series}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

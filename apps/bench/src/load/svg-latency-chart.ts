// bench-results/load.svg: latency percentiles, statistics on (solid) versus off (dashed), one colour
// per connection count, one panel per measure (stream / json × whole response / first byte), on a
// logarithmic millisecond axis so every connection count fits.
import { escapeXml as escape, svgDocument } from "../report/svg-document.js";

export interface LatencySeries {
  /** "64 connections", "16 conns at 200 req/s". */
  label: string;
  off: number[];
  on: number[];
}

export interface LatencyPanel {
  title: string;
  series: LatencySeries[];
}

const COLORS = ["#2980b9", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085"];

function panel(p: LatencyPanel, percentiles: number[], ox: number, oy: number, w: number, h: number): string[] {
  const values = p.series.flatMap((s) => [...s.off, ...s.on]).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.max(0.01, Math.min(...values, 1))));
  const hi = Math.ceil(Math.log10(Math.max(...values, 1.01)));
  const y = (v: number) => oy + h - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / Math.max(1, hi - lo)) * h;
  const x = (i: number) => ox + (i / Math.max(1, percentiles.length - 1)) * w;
  const out: string[] = [`<text x="${ox}" y="${oy - 8}" font-weight="bold">${escape(p.title)}</text>`];
  for (let e = lo; e <= hi; e++) {
    out.push(
      `<line x1="${ox}" x2="${ox + w}" y1="${y(10 ** e).toFixed(1)}" y2="${y(10 ** e).toFixed(1)}" stroke="#e0e0e0"/>`,
      `<text x="${ox - 6}" y="${(y(10 ** e) + 4).toFixed(1)}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`,
    );
  }
  percentiles.forEach((q, i) => out.push(`<text x="${x(i).toFixed(1)}" y="${oy + h + 16}" text-anchor="middle">p${q}</text>`));
  out.push(`<line x1="${ox}" x2="${ox}" y1="${oy}" y2="${oy + h}" stroke="#888"/>`);
  p.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    for (const [vals, dash] of [
      [s.off, ' stroke-dasharray="5 4"'],
      [s.on, ""],
    ] as const) {
      const d = vals.map((v, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    }
  });
  return out;
}

export function svgLatencyChart(title: string, percentiles: number[], panels: LatencyPanel[]): string {
  const w = 300;
  const h = 200;
  const left = 60;
  const top = 60;
  const gapX = 90;
  const gapY = 70;
  const cols = 2;
  const rows = Math.ceil(panels.length / cols);
  const parts: string[] = [];
  panels.forEach((p, i) => parts.push(...panel(p, percentiles, left + (i % cols) * (w + gapX), top + Math.floor(i / cols) * (h + gapY), w, h)));
  const legendX = left + cols * (w + gapX) - 40;
  // legend: one colour per series label
  const conns = panels[0]?.series.map((s) => s.label) ?? [];
  conns.forEach((c, k) => {
    const color = COLORS[k % COLORS.length];
    parts.push(`<rect x="${legendX}" y="${top + k * 22}" width="12" height="12" fill="${color}"/>`, `<text x="${legendX + 18}" y="${top + 11 + k * 22}">${escape(c)}</text>`);
  });
  const ly = top + conns.length * 22 + 16;
  parts.push(
    `<line x1="${legendX}" x2="${legendX + 30}" y1="${ly}" y2="${ly}" stroke="#333" stroke-width="2"/>`,
    `<text x="${legendX + 36}" y="${ly + 4}">statistics on</text>`,
    `<line x1="${legendX}" x2="${legendX + 30}" y1="${ly + 20}" y2="${ly + 20}" stroke="#333" stroke-width="2" stroke-dasharray="5 4"/>`,
    `<text x="${legendX + 36}" y="${ly + 24}">statistics off</text>`,
    `<text x="14" y="${top + (rows * (h + gapY)) / 2}" transform="rotate(-90 14 ${top + (rows * (h + gapY)) / 2})" text-anchor="middle">milliseconds (log scale)</text>`,
  );
  return svgDocument(legendX + 210, top + rows * (h + gapY), title, parts);
}

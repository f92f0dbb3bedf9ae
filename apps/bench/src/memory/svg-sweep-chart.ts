// bench-results/memory-sweep.svg: peak linear memory (MiB, log scale) against the number of open
// streams (log scale), one line per plugin, with the arena_bytes + 2 MiB bound dashed.
import { escapeXml as escape, svgDocument } from "../report/svg-document.js";

export interface SweepLine {
  label: string;
  color: string;
  /** [concurrency, bytes], ascending concurrency. */
  points: readonly (readonly [number, number])[];
}

const MIB = 1024 * 1024;

export function svgSweepChart(title: string, lines: SweepLine[], boundBytes: number): string {
  const left = 70;
  const top = 40;
  const width = 560;
  const height = 300;
  const xs = lines.flatMap((l) => l.points.map((p) => p[0]));
  const ys = [boundBytes, ...lines.flatMap((l) => l.points.map((p) => p[1]))].map((b) => b / MIB);
  const x0 = 0;
  const x1 = Math.max(1, Math.ceil(Math.log10(Math.max(...xs, 10))));
  const y0 = Math.floor(Math.log10(Math.min(...ys)));
  const y1 = Math.max(y0 + 1, Math.ceil(Math.log10(Math.max(...ys))));
  const x = (c: number) => left + ((Math.log10(Math.max(1, c)) - x0) / (x1 - x0)) * width;
  const y = (b: number) => top + height - ((Math.log10(b / MIB) - y0) / (y1 - y0)) * height;
  const parts: string[] = [];
  for (let e = y0; e <= y1; e++) {
    const v = 10 ** e * MIB;
    parts.push(
      `<line x1="${left}" x2="${left + width}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e0e0e0"/>`,
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`,
    );
  }
  for (const c of [...new Set(xs)]) parts.push(`<text x="${x(c).toFixed(1)}" y="${top + height + 18}" text-anchor="middle">${c}</text>`);
  parts.push(
    `<text x="${left + width / 2}" y="${top + height + 34}" text-anchor="middle">open streams (log scale)</text>`,
    `<text x="14" y="${top + height / 2}" transform="rotate(-90 14 ${top + height / 2})" text-anchor="middle">peak linear memory, MiB (log scale)</text>`,
    `<line x1="${left}" x2="${left + width}" y1="${y(boundBytes).toFixed(1)}" y2="${y(boundBytes).toFixed(1)}" stroke="#27ae60" stroke-dasharray="6 4"/>`,
    `<text x="${left + 4}" y="${(y(boundBytes) - 4).toFixed(1)}" fill="#27ae60">arena_bytes + 2 MiB</text>`,
  );
  lines.forEach((line, i) => {
    const d = line.points.map(([c, b], k) => `${k === 0 ? "M" : "L"}${x(c).toFixed(1)},${y(b).toFixed(1)}`).join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="${line.color}" stroke-width="2"/>`);
    for (const [c, b] of line.points) parts.push(`<circle cx="${x(c).toFixed(1)}" cy="${y(b).toFixed(1)}" r="3" fill="${line.color}"/>`);
    parts.push(
      `<rect x="${left + width + 16}" y="${top + 10 + i * 22}" width="12" height="12" fill="${line.color}"/>`,
      `<text x="${left + width + 34}" y="${top + 21 + i * 22}">${escape(line.label)}</text>`,
    );
  });
  return svgDocument(left + width + 200, top + height + 46, title, [`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + height}" stroke="#888"/>`, ...parts]);
}

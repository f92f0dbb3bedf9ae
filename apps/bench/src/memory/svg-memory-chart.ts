// bench-results/memory.svg: linear memory (MiB) over exchanges completed, one step line per
// plugin, with the flat-memory bound (arena_bytes + 2 MiB) drawn as a dashed line.
import { escapeXml as escape, svgDocument } from "../report/svg-document.js";

export interface MemoryLine {
  label: string;
  color: string;
  /** [exchanges completed, bytes], in order. */
  points: readonly (readonly [number, number])[];
}

const MIB = 1024 * 1024;
/** A round axis step (1, 2 or 5 × 10^k MiB) giving about four grid lines up to `maxMiB`. */
function tickStep(maxMiB: number): number {
  const raw = maxMiB / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (m * power >= raw) return m * power;
  return 10 * power;
}


export function svgMemoryChart(title: string, exchanges: number, lines: MemoryLine[], boundBytes: number): string {
  const left = 70;
  const top = 40;
  const width = 640;
  const height = 300;
  const highest = Math.max(boundBytes, ...lines.flatMap((l) => l.points.map((p) => p[1])));
  const step = tickStep(highest / MIB);
  const maxBytes = Math.ceil((highest * 1.04) / (step * MIB)) * step * MIB;
  const x = (n: number): number => left + (n / Math.max(1, exchanges)) * width;
  const y = (b: number): number => top + height - (b / maxBytes) * height;
  const parts: string[] = [];
  for (let b = 0; b <= maxBytes; b += step * MIB) {
    parts.push(
      `<line x1="${left}" x2="${left + width}" y1="${y(b).toFixed(1)}" y2="${y(b).toFixed(1)}" stroke="#e0e0e0"/>`,
      `<text x="${left - 6}" y="${(y(b) + 4).toFixed(1)}" text-anchor="end">${b / MIB}</text>`,
    );
  }
  // The after_100 sample: from here on the plugin's memory must not move.
  const at100 = Math.min(100, exchanges);
  parts.push(
    `<line x1="${x(at100).toFixed(1)}" x2="${x(at100).toFixed(1)}" y1="${top}" y2="${top + height}" stroke="#bbb" stroke-dasharray="3 3"/>`,
    `<text x="${(x(at100) + 3).toFixed(1)}" y="${top + height + 18}" fill="#888">${at100}</text>`,
  );
  parts.push(
    `<text x="${left + width}" y="${top + height + 18}" text-anchor="end">${exchanges} exchanges</text>`,
    `<text x="${left}" y="${top + height + 18}">0</text>`,
    `<text x="14" y="${top + height / 2}" transform="rotate(-90 14 ${top + height / 2})" text-anchor="middle">linear memory, MiB</text>`,
    `<line x1="${left}" x2="${left + width}" y1="${y(boundBytes).toFixed(1)}" y2="${y(boundBytes).toFixed(1)}" stroke="#27ae60" stroke-dasharray="6 4"/>`,
    `<text x="${left + 4}" y="${(y(boundBytes) - 4).toFixed(1)}" fill="#27ae60">arena_bytes + 2 MiB</text>`,
  );
  lines.forEach((line, i) => {
    // A step line: memory holds its size until the next recorded change.
    const [first, ...rest] = line.points;
    const d = [`M${x(first[0]).toFixed(1)},${y(first[1]).toFixed(1)}`];
    for (const [n, b] of rest) d.push(`H${x(n).toFixed(1)}`, `V${y(b).toFixed(1)}`);
    d.push(`H${x(exchanges).toFixed(1)}`);
    const final = line.points[line.points.length - 1][1];
    parts.push(
      `<path d="${d.join(" ")}" fill="none" stroke="${line.color}" stroke-width="2"/>`,
      `<rect x="${left + width + 16}" y="${top + 10 + i * 22}" width="12" height="12" fill="${line.color}"/>`,
      `<text x="${left + width + 34}" y="${top + 21 + i * 22}">${escape(line.label)} (${(final / MIB).toFixed(1)} MiB)</text>`,
    );
  });
  return svgDocument(left + width + 260, top + height + 34, title, [`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + height}" stroke="#888"/>`, ...parts]);
}

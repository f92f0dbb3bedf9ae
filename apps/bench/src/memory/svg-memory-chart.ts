// bench-results/memory.svg: linear memory (MiB) over exchanges completed, one step line per
// plugin, with the flat-memory bound (arena_bytes + 2 MiB) drawn as a dashed line.

export interface MemoryLine {
  label: string;
  color: string;
  /** [exchanges completed, bytes], in order. */
  points: readonly (readonly [number, number])[];
}

const MIB = 1024 * 1024;
const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function svgMemoryChart(title: string, exchanges: number, lines: MemoryLine[], boundBytes: number): string {
  const left = 70;
  const top = 40;
  const width = 640;
  const height = 300;
  const maxBytes = Math.max(boundBytes, ...lines.flatMap((l) => l.points.map((p) => p[1]))) * 1.08;
  const x = (n: number): number => left + (n / Math.max(1, exchanges)) * width;
  const y = (b: number): number => top + height - (b / maxBytes) * height;
  const parts: string[] = [];
  for (let t = 0; t <= 4; t++) {
    const b = (maxBytes * t) / 4;
    parts.push(
      `<line x1="${left}" x2="${left + width}" y1="${y(b).toFixed(1)}" y2="${y(b).toFixed(1)}" stroke="#e0e0e0"/>`,
      `<text x="${left - 6}" y="${(y(b) + 4).toFixed(1)}" text-anchor="end">${(b / MIB).toFixed(0)}</text>`,
    );
  }
  parts.push(
    `<text x="${left + width}" y="${top + height + 18}" text-anchor="end">${exchanges} exchanges</text>`,
    `<text x="${left}" y="${top + height + 18}">0</text>`,
    `<text x="14" y="${top + height / 2}" transform="rotate(-90 14 ${top + height / 2})" text-anchor="middle">linear memory, MiB</text>`,
    `<line x1="${left}" x2="${left + width}" y1="${y(boundBytes).toFixed(1)}" y2="${y(boundBytes).toFixed(1)}" stroke="#27ae60" stroke-dasharray="6 4"/>`,
    `<text x="${left + 4}" y="${(y(boundBytes) - 4).toFixed(1)}" fill="#27ae60">arena_bytes + 2 MiB</text>`,
  );
  lines.forEach((line, i) => {
    const d: string[] = [];
    let last: number | null = null;
    for (const [n, b] of line.points) {
      if (last !== null) d.push(`H${x(n).toFixed(1)}`);
      d.push(`${d.length === 0 ? "M" : "V"}${d.length === 0 ? `${x(n).toFixed(1)},` : ""}${y(b).toFixed(1)}`);
      last = b;
    }
    d.push(`H${x(exchanges).toFixed(1)}`);
    const final = line.points[line.points.length - 1][1];
    parts.push(
      `<path d="${d.join(" ")}" fill="none" stroke="${line.color}" stroke-width="2"/>`,
      `<rect x="${left + width + 16}" y="${top + 10 + i * 22}" width="12" height="12" fill="${line.color}"/>`,
      `<text x="${left + width + 34}" y="${top + 21 + i * 22}">${escape(line.label)} (${(final / MIB).toFixed(1)} MiB)</text>`,
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 260}" height="${top + height + 34}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + height}" stroke="#888"/>`,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}

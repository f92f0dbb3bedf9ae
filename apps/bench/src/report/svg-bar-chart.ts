// A dependency-free horizontal bar chart in SVG, for bench-results/*.svg.
import { escapeXml as escape, svgDocument } from "./svg-document.js";

export interface Bar {
  label: string;
  value: number;
  note?: string;
}

export function svgBarChart(title: string, unit: string, groups: { name: string; bars: Bar[] }[]): string {
  const rowHeight = 26;
  const labelWidth = 170;
  const barWidth = 520;
  const max = Math.max(1e-9, ...groups.flatMap((g) => g.bars.map((b) => b.value)));
  const palette = ["#9aa5b1", "#2f80ed", "#27ae60", "#c0c6cc", "#f2994a", "#9b51e0"];
  const parts: string[] = [];
  let y = 44;
  for (const group of groups) {
    parts.push(`<text x="10" y="${y}" font-weight="bold">${escape(group.name)}</text>`);
    y += 10;
    group.bars.forEach((bar, i) => {
      const w = Math.max(1, (bar.value / max) * barWidth);
      const text = `${bar.value.toFixed(1)} ${unit}${bar.note ? `  ${bar.note}` : ""}`;
      parts.push(
        `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escape(bar.label)}</text>`,
        `<rect x="${labelWidth}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowHeight - 8}" fill="${palette[i % palette.length]}"/>`,
        `<text x="${labelWidth + w + 6}" y="${y + 17}">${escape(text)}</text>`,
      );
      y += rowHeight;
    });
    y += 14;
  }
  const width = labelWidth + barWidth + 230;
  return svgDocument(width, y, title, parts, 13);
}

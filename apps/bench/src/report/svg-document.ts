// The frame every bench plot shares: an SVG of the given size on white, with its title.

export const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function svgDocument(width: number, height: number, title: string, parts: string[], fontSize = 12): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="${fontSize}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="${fontSize + 3}" font-weight="bold">${escapeXml(title)}</text>`,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}

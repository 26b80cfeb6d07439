import { create } from 'qrcode';

/** The quiet zone around the code, in modules (ISO/IEC 18004 asks for 4). */
const QUIET = 4;

/**
 * A QR code as an SVG data: URL, drawn here from the text (an otpauth:// URI holds the TOTP
 * secret, so it never goes to a QR service). No style attribute: the console's CSP allows
 * `img-src data:` and no inline style. Each row's runs of dark modules become one path segment.
 */
export function qrSvgDataUrl(text: string): string {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  let path = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!modules.get(row, col)) continue;
      let run = 1;
      while (col + run < size && modules.get(row, col + run)) run++;
      path += `M${col + QUIET} ${row + QUIET}h${run}v1h-${run}z`;
      col += run;
    }
  }
  const side = size + 2 * QUIET;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

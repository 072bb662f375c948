import PDFDocument from 'pdfkit';
import type { ReviewPackContent } from '../core/governance/review-pack.ts';

/**
 * A review pack as PDF (pdfkit: no browser needed), laid out like the web page: the title, the
 * meeting, the headline, then each section with its summary and rows. The standard PDF fonts
 * cover Western European text; other characters are written as close as they can be.
 */

/** Characters the standard fonts lack, as they are written instead. */
const REPLACEMENTS: Record<string, string> = {
  '\u2212': '-',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u00a0': ' ',
};

/** Text the WinAnsi encoding of the standard fonts can show. */
export function pdfText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    if (REPLACEMENTS[ch] !== undefined) out += REPLACEMENTS[ch];
    else if (
      code === 0x09 ||
      code === 0x0a ||
      (code >= 0x20 && code < 0x7f) ||
      (code >= 0xa0 && code <= 0xff)
    )
      out += ch;
    else if ('\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac'.includes(ch)) out += ch;
    else out += '?';
  }
  return out;
}

/** Renders a stored pack into a PDF document (bytes). */
export function packPdf(pack: ReviewPackContent, publishedAt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 50,
      info: {
        Title: pdfText(`${pack.review.name} - ${pack.occurrence.date}`),
        Author: 'Throughline',
        Subject: 'Review pack',
        // The same bytes every time the stored pack is rendered.
        CreationDate: new Date(publishedAt),
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const width = doc.page.width - 100;
    doc
      .font('Helvetica-Bold')
      .fontSize(18)
      .text(pdfText(`${pack.review.name} — ${pack.occurrence.date}`), { width });
    doc.moveDown(0.3);
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor('#444444')
      .text(
        pdfText(
          `${pack.review.cadence}. Meeting ${pack.occurrence.date} ${pack.occurrence.at} (${pack.occurrence.timeZone}); figures as of ${pack.asOf}${pack.since === null ? '' : `; changes since the review of ${pack.since.date}`}.`,
        ),
        { width },
      )
      .text(pdfText(`Attendees: ${pack.review.attendees.map((a) => a.name).join(', ')}`), {
        width,
      });
    doc.fillColor('#000000').moveDown(0.8);
    doc.font('Helvetica-Bold').fontSize(13).text('Headline', { width });
    doc.font('Helvetica').fontSize(10);
    for (const h of pack.headline) doc.text(pdfText(`• ${h}`), { width, indent: 8 });
    for (const s of pack.sections) {
      doc.moveDown(0.8);
      doc.font('Helvetica-Bold').fontSize(13).text(pdfText(s.title), { width });
      doc.font('Helvetica-Oblique').fontSize(10).text(pdfText(s.summary), { width });
      doc.font('Helvetica').fontSize(10);
      for (const r of s.rows) doc.text(pdfText(`• ${r.text}`), { width, indent: 8 });
    }
    if (pack.withheld > 0) {
      doc.moveDown(0.8);
      doc
        .font('Helvetica-Oblique')
        .fontSize(9)
        .text(
          `${pack.withheld} confidential initiative(s) left out: not every attendee is cleared for them.`,
          { width },
        );
    }
    doc.end();
  });
}

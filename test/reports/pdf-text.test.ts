import PDFDocument from 'pdfkit';
import { CjkFontSet } from '../../src/reports/cjk-fonts.js';
import { PdfText } from '../../src/reports/pdf-text.js';

const SAMPLE =
  '微博用户“幸福路老住户”发帖称，幸福路片区 2025 年签约拆迁的 37 户至今未收到第二期补偿款。' +
  '详见 https://weibo.example.com/7712000001/Pa1b2C3d4a5b6c7d8e9f0 与【演练】说明（附件）。';

async function textFor(...texts: string[]) {
  const fonts = await CjkFontSet.for(texts);
  const doc = new PDFDocument({ size: 'A4' });
  fonts.register(doc);
  return new PdfText(doc, fonts);
}

test('lines fit their width, break between CJK characters and never start with closing punctuation', async () => {
  const text = await textFor(SAMPLE);
  const style = { size: 9 };
  for (const width of [60, 120, 240]) {
    const lines = text.lines(SAMPLE, width, style);
    expect(lines.length).toBeGreaterThan(1);
    const strings = lines.map((line) => line.runs.map((run) => run.text).join(''));
    // Nothing lost but the spaces a break swallowed.
    expect(strings.join('').replace(/\s/g, '')).toBe(SAMPLE.replace(/\s/g, ''));
    for (const [i, line] of lines.entries()) {
      expect(line.width).toBeLessThanOrEqual(width + 0.01);
      expect([width, strings[i]]).not.toEqual([width, expect.stringMatching(/^[，。、）】”]/)]);
      expect([width, strings[i]]).not.toEqual([width, expect.stringMatching(/[（【“]$/)]);
    }
  }
});

test('newlines start new lines and a line holds at least one character however narrow', async () => {
  const text = await textFor('甲乙\n丙');
  const lines = text.lines('甲乙\n丙', 1, { size: 9 });
  expect(lines.map((line) => line.runs.map((run) => run.text).join(''))).toEqual(['甲', '乙', '丙']);
});

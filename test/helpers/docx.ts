import { AlignmentType, Document, LevelFormat, Packer, Paragraph, Table, TableCell, TableRow, TextRun, VerticalMergeType } from 'docx';

/*
 * DOCX files for tests, made the way Word makes them: paragraphs, then tables whose cells may span columns
 * (w:gridSpan) or be merged down the rows (w:vMerge restart / continue).
 */

/** A cell: its text ('\n' separates paragraphs), or the text with how it is merged. */
export type DocxCell =
  | string
  | {
      text: string;
      /** Columns this cell covers; the row then has columnSpan - 1 fewer cells. */
      columnSpan?: number;
      /** 'restart' starts a vertical merge, 'continue' is a cell under it (its text is ignored, as Word shows none). */
      verticalMerge?: 'restart' | 'continue';
      /** Word's own list numbering instead of typed text: the cell shows «1.», «2.» … */
      numbered?: boolean;
    };

export interface DocxSpec {
  /** Paragraphs before the title; '' is an empty paragraph. */
  paragraphs?: string[];
  /** A bold, centred paragraph right before the first table. */
  title?: string;
  tables: DocxCell[][][];
}

const paragraphsOf = (text: string) => text.split('\n').map((line) => new Paragraph({ children: [new TextRun(line)] }));

function cellOf(cell: DocxCell): TableCell {
  if (typeof cell === 'string') return new TableCell({ children: paragraphsOf(cell) });
  const children = cell.numbered
    ? [new Paragraph({ numbering: { reference: 'items', level: 0 }, children: [] })]
    : cell.verticalMerge === 'continue'
      ? [new Paragraph({})]
      : paragraphsOf(cell.text);
  return new TableCell({
    children,
    ...(cell.columnSpan ? { columnSpan: cell.columnSpan } : {}),
    ...(cell.verticalMerge ? { verticalMerge: cell.verticalMerge === 'restart' ? VerticalMergeType.RESTART : VerticalMergeType.CONTINUE } : {}),
  });
}

export async function buildDocx(spec: DocxSpec): Promise<Buffer> {
  const children: (Paragraph | Table)[] = (spec.paragraphs ?? []).map((p) => (p === '' ? new Paragraph({}) : new Paragraph({ children: [new TextRun(p)] })));
  if (spec.title !== undefined) children.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: spec.title, bold: true })] }));
  spec.tables.forEach((rows, i) => {
    if (i > 0) children.push(new Paragraph({}));
    children.push(new Table({ rows: rows.map((cells) => new TableRow({ children: cells.map(cellOf) })) }));
  });
  const document = new Document({
    numbering: { config: [{ reference: 'items', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.LEFT }] }] },
    sections: [{ children }],
  });
  return Packer.toBuffer(document);
}

/**
 * The text before a table as DOCX paragraphs without its last block (the title, which buildDocx writes as one
 * paragraph of its own): lines become paragraphs, blank lines empty paragraphs.
 */
export function preambleParagraphs(textBefore: string): string[] {
  const lines = textBefore.split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() !== '') lines.pop();
  return lines.map((l) => l.trim());
}

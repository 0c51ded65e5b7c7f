/**
 * Writes a Jupyter notebook (nbformat 4.5) from a TypeScript report script: every `// N. title`
 * section of the script becomes a markdown cell and a code cell, followed by the outputs that
 * section produced (figures as image/png and/or image/svg+xml, tables as text/html), so the notebook
 * opens with its pictures in Jupyter, VS Code or GitHub without a TypeScript kernel.
 */
import { createHash } from 'node:crypto';

export type CellOutput =
  | { kind: 'figure'; caption: string; svg?: string; png?: Buffer }
  | { kind: 'table'; html: string; text: string };

export interface ScriptSection {
  index: number; // N of `// N. title`, 0 for the preamble
  title: string;
  code: string;
}

/** Splits a script at lines `// N. title` (top level); text before the first one is section 0. */
export function splitSections(source: string): ScriptSection[] {
  const sections: ScriptSection[] = [{ index: 0, title: 'Set-up', code: '' }];
  for (const line of source.split('\n')) {
    const m = /^\/\/ (\d+)\. (.+)$/.exec(line);
    if (m) sections.push({ index: Number(m[1]), title: m[2], code: '' });
    else sections[sections.length - 1].code += `${line}\n`;
  }
  return sections.map((s) => ({ ...s, code: s.code.replace(/^\n+|\n+$/g, '') }));
}

// nbformat stores multi-line strings as arrays of lines, each but the last ending in \n.
const lines = (text: string): string[] => text.split(/(?<=\n)/);
const cellId = (seed: string): string => createHash('sha256').update(seed).digest('hex').slice(0, 8);

function output(o: CellOutput): Record<string, unknown> {
  if (o.kind === 'table') return { output_type: 'display_data', metadata: {}, data: { 'text/html': lines(o.html), 'text/plain': lines(o.text) } };
  const data: Record<string, unknown> = { 'text/plain': [o.caption] };
  if (o.svg) data['image/svg+xml'] = lines(o.svg);
  if (o.png) data['image/png'] = o.png.toString('base64');
  return { output_type: 'display_data', metadata: {}, data };
}

export function buildNotebook(intro: string, sections: readonly ScriptSection[], outputs: ReadonlyMap<number, readonly CellOutput[]>): string {
  const cells: Array<Record<string, unknown>> = [{ cell_type: 'markdown', id: cellId('intro'), metadata: {}, source: lines(intro) }];
  let count = 0;
  for (const s of sections) {
    if (!s.code) continue;
    cells.push({ cell_type: 'markdown', id: cellId(`md-${s.index}-${s.title}`), metadata: {}, source: lines(`## ${s.index ? `${s.index}. ` : ''}${s.title}`) });
    const outs = outputs.get(s.index) ?? [];
    cells.push({ cell_type: 'code', id: cellId(`code-${s.index}-${s.title}`), execution_count: ++count, metadata: {}, source: lines(s.code), outputs: outs.map(output) });
    for (const o of outs) if (o.kind === 'figure') cells.push({ cell_type: 'markdown', id: cellId(`cap-${s.index}-${o.caption}`), metadata: {}, source: lines(`*${o.caption}*`) });
  }
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    cells,
  };
  return JSON.stringify(notebook, null, 1) + '\n';
}

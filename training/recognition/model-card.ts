/** Renders model.json's card as MODEL_CARD.md next to the model files. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelMeta } from '../../src/recognition/model-meta.js';
import { UNSURE_PIN } from '../../src/recognition/recognizer.js';

export function writeModelCardMarkdown(dir: string, meta: ModelMeta): void {
  const c = meta.card;
  const lines = [
    `# Recognition model ${meta.version}`,
    '',
    `Created ${meta.createdAt}. Served classifier: **${meta.serving}**; needsReview below confidence ${meta.reviewThreshold}, and with OCR when the card number or PIN is not read or the PIN is read with confidence under ${UNSURE_PIN} (src/recognition/recognizer.ts).`,
    `Temperatures (carrier / face value): stage 1 ${meta.cnn.temperatureCarrier.toFixed(3)} / ${meta.cnn.temperatureDenom.toFixed(3)}` +
      (meta.stage2 ? `, stage 2 ${meta.stage2.temperatureCarrier.toFixed(3)} / ${meta.stage2.temperatureDenom.toFixed(3)}` : '') +
      (meta.ocrFusion ? `, after OCR fusion ${meta.ocrFusion.carrierTemperature.toFixed(3)} / ${meta.ocrFusion.denomTemperature.toFixed(3)}` : '') + '.' +
      (meta.ocrFusion?.confidence ? ` With OCR, the confidence (carrier × face value) is mapped by sigmoid(${meta.ocrFusion.confidence.a.toFixed(3)} · logit + ${meta.ocrFusion.confidence.b.toFixed(3)}), fit on the calibration photos.` : ''),
    '',
    '## Run', '```json', JSON.stringify(c.run ?? null, null, 2), '```',
    '## Data', '```json', JSON.stringify(c.data, null, 2), '```',
    '## Fonts, layouts, backgrounds, palettes used in training', '```json',
    JSON.stringify({ fonts: c.trainingFonts, layouts: c.trainingLayouts, backgrounds: c.trainingBackgrounds, palettes: c.trainingPalettes }, null, 2), '```',
    '## Held out (never rendered into training images)', '```json', JSON.stringify(c.heldOut, null, 2), '```',
    '## Training', '```json', JSON.stringify({ ...(c.training as object), onnxParityMaxAbsDiff: c.onnxParityMaxAbsDiff }, null, 2), '```',
    '## Stage 2 input',
    '- The card is cut out of the decoded photo along the stage-1 corners (grown by `crop.grow`), warped upright to',
    '  `crop.width` × `crop.height` with k×k supersampling (src/recognition/stage2-crop.ts): the printed face value is legible there,',
    '  unlike in the 96-px letterbox. Trained on crops along jittered true corners; calibrated on crops along predicted corners.',
    '- With `--synthetic-patches N`, half of every stage-2 batch is synthetic face-value patches (training/recognition/value-patch-synth.ts; `training.stage2.syntheticPatches`):',
    '  the number alone at patch scale in the training fonts plus typefaces no card uses, training palettes, photo degradations.',
    '  The extra typefaces give the network more digit shapes than five fonts; none is a clone of a held-out font.',
    '## OCR stage (model-free, src/recognition)',
    '- Rotation from the angles between neighbouring glyph-sized components (deskew.ts): |rotation| ≤ 45°, no model;',
    '  when too few single glyphs vote (blur merged the digits into groups), the groups vote.',
    '- The card region (classifier corners, grown 1.3×) is resampled upright; text lines are chains of connected components',
    '  of two local-threshold windows and both ink polarities (text-lines.ts); light number panels are lines too; a chain',
    '  of the counters of another line\'s glyphs (the holes of "100", of "面值:500元") is not a line.',
    '- Each line is straightened, scaled to 28 px glyphs, divided by its own background (a closing ~0.6 glyph wide, so',
    '  shadow edges and glare do not wipe out digits), binarized by its own Otsu threshold (polarity from the line finder',
    '  for long digit chains; a panel cut as one bar of ink with its digits as holes is cut the other way) and stacked',
    '  into one page (line-stack.ts); tesseract (digit whitelist) reads the page in',
    '  grey, and again in black-and-white when the first read left the card number, PIN or face value open, or read the',
    '  PIN two ways; number lines still unread after both, and the rows of a PIN the two reads still disagree on, are',
    '  read once more alone at 40 px, and when no carrier has both its number and PIN, the',
    '  number lines once more with 1.6-glyph side margins, each widened over the pieces it broke into on its baseline',
    '  (ocr-card.ts, line-join.ts); these re-reads also stretch each line\'s local',
    '  contrast, so digits faded by glare pass the threshold. A card still missing a number whose long lines still slope',
    '  is cut level again by their median slope and read once more, kept only when complete and losing no number read.',
    '  Specks that read as a leading 1 are erased',
    '  (patch-cleanup.ts); a 6/8/9 whose glyph has two stacked counters and no waist is a dotted 0 (zero-check.ts).',
    '  Each digit of a number line then gets a second opinion (digit-check.ts; `digitCheck` below): a one-hidden-layer network',
    '  on HOG features of the glyph as tesseract boxed it, trained here on glyphs cut from the pipeline\'s own pages of',
    '  training-design photos, whose tempered probabilities are weighed against how often tesseract reads each true digit',
    '  as the one it read (a dotted 0 read as 6 is mended; a read tesseract rarely gets wrong is kept).',
    '  Beside tesseract, a line reader (line-reader.ts; `lineReader` below) reads every number line: a CTC network (three',
    '  3×3 conv stages with batch normalisation, a 1-D convolution over the columns, ten digits and a blank per column),',
    '  trained here on the pipeline\'s own number lines of training-design photos, cut level at 32 px without a threshold',
    '  (reader-patch.ts) and labelled by where the generator printed the card number and PIN, with one more line a photo',
    '  that has nothing to read (a label, the carrier\'s names) labelled as nothing; its reads vote with tesseract\'s.',
    '  A second network of the same shape, the value reader (value-reader.ts; `valueReader` below), reads the card\'s tall',
    '  lines: started from the line reader\'s weights and trained on the big print of the same photos labelled with the face value (its unit read as nothing) and up',
    '  to two other tall lines a photo labelled as nothing; its reads vote for the face value with tesseract\'s.',
    '  Numbers vote over reads by carrier length and by place, the card number above the PIN and never on the PIN\'s',
    '  printed line, and two readings a digit or two apart settled by reads of part of the line that hold the disputed',
    '  digits with three on each side (card-text.ts); the face',
    '  value by glyph height, the big print being the card\'s biggest print and its glyph count taken from its fullest',
    '  read, a symbol far shorter than its word\'s digits being its unit ("50元" read "500"; value-digits.ts); a big',
    '  print read "20" on two glyphs where another row read "200" is read again one glyph wider (ocr-card.ts)',
    '  (face-value-text.ts, face-value-length.ts); both are fused with the classifier (text-fusion.ts). When the carrier',
    '  is still unsure, a letters-only tesseract worker reads the small print for the carrier\'s printed name (MOBILE,',
    '  UNICOM, TELECOM, one slip allowed), which outweighs colours and number formats (carrier-names.ts).',
    '',
    '## Metrics',
    '`validation`: the calibration split (training designs, predicted corners). `hardSet`: what the training run gated on.',
    '`evaluation` (`cardrecycle eval recognition`): `…-withPhotoSources` = stage 2 reading the card from the decoded photo, as',
    'the classifier is built to be used (`classify(inputs, sources)`); without the photo, stage 2 falls back to the 96-px letterbox.',
    '```json', JSON.stringify({ validation: c.validation, calibrationPhotos: c.calibrationPhotos, digitCheck: c.digitCheck, lineReader: c.lineReader, valueReader: c.valueReader, hardSet: c.hardSet, evaluation: c.evaluation }, null, 2), '```',
    '',
    'Reproduce (from scratch, one command; add `--out DIR` to write elsewhere): `' +
      ((c.run as { command?: string } | undefined)?.command ?? `npx cardrecycle train recognition --seed ${String((c.data as { seed?: number } | undefined)?.seed ?? 1)}`) + '`.',
  ];
  writeFileSync(join(dir, 'MODEL_CARD.md'), lines.join('\n') + '\n');
}

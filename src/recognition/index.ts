/** Recognition facade: photo of a recharge card → carrier, face value, card number, masked PIN. */
export { createRecognizer, lazyRecognizer } from './recognizer.js';
export type { Recognizer, RecognizerOptions, RecognitionResult, RecognitionAnalysis } from './recognizer.js';
export { CARRIERS, DENOMINATIONS, CARD_FORMATS, type Carrier, type Denomination } from './classes.js';
export { evaluateRecognition, type EvaluationReport } from './evaluate.js';
export { maskPin } from './card-text.js';

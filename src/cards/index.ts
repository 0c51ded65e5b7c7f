export * from './catalogue.js';
export * from './normalise.js';
export * from './mask.js';
export * from './parse-card.js';

export { DIAGNOSIS_CASES, UNKNOWN_CASE, type DiagnosisCase } from './cases.js';
export { diagnose, findCase, createDiagnosisMetrics, type Diagnosis, type DiagnosisMetrics, type HistoryEntry } from './diagnose.js';

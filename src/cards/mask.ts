/** Display masks: only the last four digits stay visible, e.g. `**************1234`. */
export function maskDigits(digits: string, visible = 4): string {
  if (digits.length <= visible) return '*'.repeat(digits.length);
  return '*'.repeat(digits.length - visible) + digits.slice(-visible);
}

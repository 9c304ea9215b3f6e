/** `value` with `digits` decimals, or an em dash when it is missing or NaN. */
export const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

/** `value` with an explicit sign (+ or −), or an em dash when it is NaN. */
export const signed = (value: number, digits: number): string =>
  Number.isNaN(value) ? '—' : `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;

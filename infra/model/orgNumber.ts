const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];

/** Norwegian organisation numbers: 9 digits, the last a modulus-11 check digit over the first eight. */
export function isValidOrgNumber(text: string): boolean {
  if (!/^\d{9}$/.test(text)) return false;
  const digits = [...text].map(Number);
  const sum = WEIGHTS.reduce((total, weight, index) => total + weight * (digits[index] ?? 0), 0);
  const remainder = 11 - (sum % 11);
  const check = remainder === 11 ? 0 : remainder;
  return check !== 10 && check === digits[8];
}

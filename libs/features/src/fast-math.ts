// Math and Number functions bound once per module. Under Jest every global lookup goes through
// the vm context's global-object interceptor (jestjs/jest#5163), which made the indicator loops of
// the property tests about ten times slower than in production; a module-level binding costs
// nothing in either, so the tests can afford many more runs.
export const { abs, floor, log1p, max, min, sqrt } = Math;
export const { isFinite: isFiniteNumber, isSafeInteger } = Number;

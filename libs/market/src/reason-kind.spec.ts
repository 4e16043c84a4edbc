import { reasonKind } from './reason-kind';

describe('reason kinds for the replay summary', () => {
  it('folds values so rows failing the same rule group together', () => {
    expect(reasonKind('close: not a decimal number: "n/a"')).toBe(reasonKind('close: not a decimal number: "abc"'));
    expect(reasonKind('volume -40 is not a whole number >= 0')).toBe('volume N is not a whole number >= N');
  });
});

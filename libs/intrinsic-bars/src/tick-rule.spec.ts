import { tickSign } from './tick-rule';

describe('tick rule', () => {
  it('signs an uptick +1 and a downtick -1 whatever came before', () => {
    expect(tickSign(16742000000n, 16743000000n, -1)).toBe(1);
    expect(tickSign(16743000000n, 16742000000n, 1)).toBe(-1);
  });

  it('carries the previous sign through an unchanged price', () => {
    expect(tickSign(16742000000n, 16742000000n, -1)).toBe(-1);
    expect(tickSign(16742000000n, 16742000000n, 1)).toBe(1);
  });
});

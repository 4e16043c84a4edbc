import { copyLine } from './copy-line';

describe('COPY text line', () => {
  it('writes null as \\N and tab-separates the server\'s text of each value', () => {
    expect(copyLine(['DBB', null, '2024-03-04 14:30:00+00', '{"SPY","a b"}'])).toBe('DBB\t\\N\t2024-03-04 14:30:00+00\t{"SPY","a b"}\n');
  });

  it('escapes the characters COPY text gives a meaning: backslash, tab, newline, carriage return', () => {
    expect(copyLine(['a\\b', 'c\td', 'e\nf\rg', '\\N'])).toBe('a\\\\b\tc\\td\te\\nf\\rg\t\\\\N\n');
  });
});

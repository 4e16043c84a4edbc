import { copyChunks, copyField, pgTextArray } from './copy-text';

describe('COPY text and array literals', () => {
  it('escapes what COPY text format treats specially and writes null as \\N', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyField(42)).toBe('42');
    expect(copyField('\\N')).toBe('\\\\N');
  });

  it('quotes every array element, so commas, braces, quotes and the word NULL stay text', () => {
    expect(pgTextArray([])).toBe('{}');
    expect(pgTextArray(['@', 'F,T', '{x}', 'NULL', 'a"b\\c'])).toBe('{"@","F,T","{x}","NULL","a\\"b\\\\c"}');
  });

  it('cuts rows into bounded chunks of whole lines', () => {
    const chunks = [...copyChunks([[1, 'a'], [2, null], [3, 'c']], 2)];
    expect(chunks).toEqual(['1\ta\n2\t\\N\n', '3\tc\n']);
  });
});

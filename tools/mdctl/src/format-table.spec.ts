import { formatTable } from './format-table';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell and shows a missing value as -', () => {
    expect(formatTable(['group', 'partition', 'lag'], [['md-preprocessor', 0, 12n], ['g', 10, null]])).toBe(
      'group            partition  lag\n' +
      'md-preprocessor  0          12\n' +
      'g                10         -\n');
  });
});

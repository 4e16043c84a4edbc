import { extractCashtags } from './cashtags';

describe('cashtag extraction', () => {
  it('finds tickers, upper-cased, once each, in order of first mention', () => {
    // From fixtures/altdata/tweets_sentiment.csv.
    expect(extractCashtags('Nice 9% pre market move for $para, pump my calls Uncle Buffett 🤑')).toEqual(['PARA']);
    expect(extractCashtags("I'm an investor in $LOW, but I have no problem saying $HD's long term outlook is as strong as its ever been IMO...")).toEqual(['LOW', 'HD']);
    expect(extractCashtags('#TheSociopathicBusinessModel\n$TSLA $TWTR $TSLA')).toEqual(['TSLA', 'TWTR']);
  });

  it('does not take amounts or words glued to a dollar sign for tickers', () => {
    expect(extractCashtags("I'll pay $10,000 to the charity, US$5 more, $5B, a$b")).toEqual([]);
  });

  it('keeps a share-class suffix and stops at the limit', () => {
    expect(extractCashtags('$BRK.B and $BF-B')).toEqual(['BRK.B', 'BF.B']);
    expect(extractCashtags('$A $B $C $D', 2)).toEqual(['A', 'B']);
  });
});

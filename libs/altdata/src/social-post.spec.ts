import { parseSocialCsv, socialDocument, type SocialOptions } from './social-post';

const TWEET_ID: SocialOptions = { provider: 'file:tweets_sentiment.csv', time: { mode: 'tweet-id' }, maxSymbols: 10 };
// Rows of fixtures/altdata/tweets_sentiment.csv.
const ROW = {
  ticker: '$TSLA',
  text: 'Ruh-roh, *someone\'s* first ex wife is dancing right up to the line\n#TheSociopathicBusinessModel\n$TSLA $TWTR',
  url: 'https://twitter.com/MelaynaLokosky/status/1526019773313650689',
};

describe('social post rows', () => {
  it('takes the ticker column and the cashtags as symbols, and the status id as id and time', () => {
    expect(socialDocument(ROW, 0, TWEET_ID)).toEqual({
      signal: 'social_sentiment', provider: 'file:tweets_sentiment.csv', id: '1526019773313650689', symbols: ['TSLA', 'TWTR'], text: ROW.text, eventTime: 1_652_666_440_691_000,
    });
  });

  it('rejects a row whose URL has no status id: its time is unknown', () => {
    const row = { ticker: '$AMC', text: 'to the moon $amc', url: 'https://twitter.com/search?q=%24amc&src=typeahead_click&f=top' };
    expect(() => socialDocument(row, 3, TWEET_ID)).toThrow(/no tweet status id in the URL .*time is unknown/);
  });

  it('places rows by position in file-order mode, deterministically', () => {
    const options: SocialOptions = { ...TWEET_ID, time: { mode: 'file-order', startUs: 1_000_000, spacingUs: 60_000_000 } };
    const row = { ticker: '$AMC', text: 'to the moon', url: 'https://twitter.com/search?q=%24amc' };
    expect(socialDocument(row, 3, options)).toMatchObject({ id: 'row-3', symbols: ['AMC'], eventTime: 181_000_000 });
  });

  it('takes every ticker of a ticker column that lists several', () => {
    expect(socialDocument({ ticker: '$BWV $AUVI $DTC', text: 'three small caps', url: ROW.url }, 0, TWEET_ID).symbols).toEqual(['BWV', 'AUVI', 'DTC']);
    expect(() => socialDocument({ ticker: '$BWV 12', text: 'x', url: ROW.url }, 0, TWEET_ID)).toThrow('ticker "12" in "$BWV 12" is not a ticker');
  });

  it('caps the symbols of a post that lists many tickers', () => {
    const text = '$A $B $C $D $E';
    expect(socialDocument({ ticker: '$Z', text, url: ROW.url }, 0, { ...TWEET_ID, maxSymbols: 3 }).symbols).toEqual(['Z', 'A', 'B']);
  });

  it('rejects a post with no text or no symbol', () => {
    expect(() => socialDocument({ text: '  ', url: ROW.url }, 0, TWEET_ID)).toThrow('the post has no text');
    expect(() => socialDocument({ text: 'no ticker here', url: ROW.url }, 0, TWEET_ID)).toThrow(/no symbol/);
  });
});

describe('social-post CSV', () => {
  it('reads quoted multi-line fields with commas and quotes, and the line each record starts on', () => {
    const text = 'Stock Ticker,Tweet Text,Sentiment,Tweet URL\n$TSLA,"one, ""two""\nthree",Negative,https://twitter.com/a/status/1526019773313650689\n$HD,plain,Positive,u\n';
    const records = parseSocialCsv(text);
    expect(records.map((r) => [r.line, r.row.ticker, r.row.text, r.label])).toEqual([[2, '$TSLA', 'one, "two"\nthree', 'Negative'], [4, '$HD', 'plain', 'Positive']]);
  });

  it('refuses a file without the text column', () => {
    expect(() => parseSocialCsv('a,b\n1,2\n')).toThrow(/no "Tweet Text" column/);
  });
});

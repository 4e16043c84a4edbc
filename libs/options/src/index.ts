// Listed options: OCC/OSI symbols, Black-Scholes-Merton prices, greeks and implied volatility,
// and chain snapshots. Pure functions, no I/O (STYLE.md habit 2).
export * from './occ-symbol';
export * from './black-scholes';
export * from './underlying-spot';
export * from './chain-snapshot';

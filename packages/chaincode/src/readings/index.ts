export * from './windows';
export * from './aggregate';

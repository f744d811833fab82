import { StatusCode } from '@hyperledger/fabric-gateway';

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(StatusCode).map(([name, code]) => [code as number, name]),
);

/** Name of a Fabric transaction validation code (`11` → `MVCC_READ_CONFLICT`); unknown codes become `CODE_<n>`. */
export function validationCodeName(code: number): string {
  return NAMES.get(code) ?? `CODE_${code}`;
}

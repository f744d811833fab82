import 'reflect-metadata';
import { WEIGHING_TRANSACTIONS, type DisclosureCheck, type SubmitTicketsResult, type TicketPage, type TicketView, type WeighingTransaction } from '@meterledger/contract-api';
import { generateSoftwareSigner } from '@meterledger/crypto';
import { WeighingContract } from './weighing-contract';
import { possessionProof, registration } from './testing/fixtures';
import { IDENTITIES } from './testing/identities';
import { InProcessChaincode, json } from './testing/in-process-chaincode';
import { MemoryPrivateData } from './testing/memory-private-data';
import { makeTicket, signTicket } from './testing/weighing-driver';
import { ticketsCollection } from './weighing';

describe('WeighingContract decorators', () => {
  const transactions: { name: string; tag: string[]; parameters: unknown[] }[] = Reflect.getMetadata('fabric:transactions', WeighingContract.prototype);

  it('exposes exactly the transactions of @meterledger/contract-api, evaluate-only where the table says', () => {
    const declared = Object.getOwnPropertyNames(WeighingContract.prototype).filter((n) => !['constructor', 'beforeTransaction', 'unknownTransaction'].includes(n));
    expect(transactions.map((t) => t.name).sort()).toEqual(declared.sort());
    expect(declared.sort()).toEqual(Object.keys(WEIGHING_TRANSACTIONS).sort());
    for (const t of transactions) {
      const spec = WEIGHING_TRANSACTIONS[t.name as WeighingTransaction];
      // transient requests take no argument: the request is in the transient map
      expect([t.name, t.tag.includes('EVALUATE'), t.parameters.length]).toEqual([t.name, spec.kind === 'evaluate', spec.argument === 'transient' ? 0 : 1]);
    }
  });
});

describe('WeighingContract through fabric-shim, in process', () => {
  it('takes requests from the transient map, reads station and role from the certificate, and answers forbidden reads with codes', async () => {
    const privateData = new MemoryPrivateData()
      .define(ticketsCollection('CustomerAMSP'), ['CustomerAMSP'])
      .define(ticketsCollection('CustomerBMSP'), ['CustomerBMSP']);
    const cc = new InProcessChaincode({ orgs: ['PTBMSP', 'InmetroMSP'], privateData });
    const config = JSON.stringify({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
    expect(await cc.submit(IDENTITIES.ptbAdmin, ['registry:initConfig', config])).toMatchObject({ validationCode: 'VALID' });
    const terminal = generateSoftwareSigner('ecdsa-p256-sha256');
    expect(await cc.submit(IDENTITIES.ptbRegistrar, ['registry:registerMeter', JSON.stringify(registration(terminal, 'SBX-A-st01'))])).toMatchObject({ validationCode: 'VALID' });
    const approval = JSON.stringify({ meterId: 'SBX-A-st01', keyVersion: 1, proof: possessionProof(terminal, 'SBX-A-st01') });
    expect(await cc.submit(IDENTITIES.inmetroRegistrar, ['registry:approveMeter', approval])).toMatchObject({ validationCode: 'VALID' });

    const at = '2026-03-02T12:00:00.000Z';
    const ticket = makeTicket({ time: '2026-03-02T08:00:00Z' });
    const request = JSON.stringify({ tickets: [signTicket(terminal, ticket)] });
    const inArguments = await cc.submit(IDENTITIES.customeraStation01, ['weighing:submitTickets', request], { at });
    expect(inArguments.message).toMatch(/^BAD_ARGUMENT_COUNT: /);
    const noTransient = await cc.submit(IDENTITIES.customeraStation01, ['weighing:submitTickets'], { at });
    expect(noTransient.message).toMatch(/^MISSING_TRANSIENT: /);

    const submitted = await cc.submit(IDENTITIES.customeraStation01, ['weighing:submitTickets'], { at, transient: { request } });
    expect(submitted.validationCode).toBe('VALID');
    expect(json<SubmitTicketsResult>(submitted)).toMatchObject({ customer: 'CustomerAMSP', accepted: 1 });
    // nothing of the ticket in the public state: only the private collection holds it
    expect([...cc.ledger.snapshot().state.values()].map((hex) => Buffer.from(hex, 'hex').toString('utf8')).join('\n')).not.toContain(ticket.ticketID);

    const byId = JSON.stringify({ ticketID: ticket.ticketID });
    const byIdView = json<TicketView>(await cc.evaluate(IDENTITIES.customeraUser, ['weighing:getTicket', byId]));
    expect(byIdView).toMatchObject({ ticket, keyVersion: 1, flags: [], time: '2026-03-02T08:00:00.000Z', txId: submitted.txId, submittedAt: at, customer: 'CustomerAMSP' });
    // getTicket and a query page say the same about the ticket (both from its index summary)
    expect(json<{ items: TicketView[] }>(await cc.evaluate(IDENTITIES.customeraUser, ['weighing:queryTickets', JSON.stringify({ filter: {} })])).items).toEqual([byIdView]);
    expect((await cc.evaluate(IDENTITIES.customeraStation02, ['weighing:getTicket', byId])).message).toMatch(/^STATION_MISMATCH: /);
    expect((await cc.evaluate(IDENTITIES.customerbUser, ['weighing:getTicket', JSON.stringify({ ticketID: ticket.ticketID, customer: 'CustomerAMSP' })])).message).toMatch(/^NOT_COLLECTION_MEMBER: /);
    expect((await cc.evaluate(IDENTITIES.customerbUser, ['weighing:getTicket', byId])).message).toMatch(/^UNKNOWN_TICKET: /);
    expect((await cc.evaluate(IDENTITIES.ptbAuditor, ['weighing:queryTickets', JSON.stringify({ customer: 'CustomerAMSP' })])).message).toMatch(/^NOT_COLLECTION_MEMBER: /);
    // a peer of another org executing (as if a client picked it): Fabric's refusal, given our code
    const onOtherPeer = await cc.evaluate(IDENTITIES.customeraUser, ['weighing:queryTickets', '{}'], { peer: 'CustomerBMSP' });
    expect(onOtherPeer.message).toMatch(/^NOT_COLLECTION_MEMBER: /);

    const page = json<TicketPage>(await cc.evaluate(IDENTITIES.customeraStation01, ['weighing:queryTickets', JSON.stringify({ filter: { weighbridge: 'wb1' } })]));
    expect(page.items.map((v) => v.ticket.ticketID)).toEqual([ticket.ticketID]);
    const view = page.items[0];
    const check = await cc.evaluate(IDENTITIES.ptbAuditor, ['weighing:checkDisclosure', JSON.stringify({ customer: 'CustomerAMSP', record: { payload: view.payload, signature: view.signature, salt: view.salt } })]);
    expect(json<DisclosureCheck>(check)).toMatchObject({ valid: true });
  });
});

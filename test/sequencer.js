// The integration suite shares one network. test/affiliation.test.ts changes it (a third authority org
// joins the channel and the registry), so it runs last; the other files run in a stable order.
const Sequencer = require('@jest/test-sequencer').default;

class LastChangesTheNetwork extends Sequencer {
  sort(tests) {
    const last = (t) => (/affiliation\.test\.ts$/.test(t.path) ? 1 : 0);
    return [...tests].sort((a, b) => last(a) - last(b) || a.path.localeCompare(b.path));
  }
}

module.exports = LastChangesTheNetwork;

// Runs the real Python handler and training script (standard library only) from node:test, so the
// page's promises about them are checked in the same run as the stack tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.join(__dirname, '..');
const PYTHON = process.env.PYTHON ?? 'python3';

type Answer = { statusCode: number; body: any };

/**
 * Sends each body to app.handler as API Gateway would (payload 2.0) and returns what it answered.
 * `counting: true` swaps in a model that records its calls, to show whether the model ran.
 */
function invoke(bodies: (string | object)[], counting = false): { answers: Answer[]; modelCalls: number[][] } {
  const driver = `
import json, sys
sys.path.insert(0, 'model')
import app
events, counting = json.load(sys.stdin)
calls = []
class Counting:
    metadata = {"test_accuracy": 0.5}
    def predict(self, values):
        calls.append(values)
        return {"species": "stub", "confidence": 1.0, "probabilities": {"stub": 1.0}}
model = Counting() if counting else app.MODEL
answers = []
for body in events:
    result = app.handle({"version": "2.0", "routeKey": "POST /predict", "body": body, "isBase64Encoded": False}, model)
    answers.append({"statusCode": result["statusCode"], "body": json.loads(result["body"])})
print(json.dumps({"answers": answers, "modelCalls": calls}))
`;
  const events = bodies.map((b) => (typeof b === 'string' ? b : JSON.stringify(b)));
  const run = spawnSync(PYTHON, ['-c', driver], {
    cwd: ROOT,
    input: JSON.stringify([events, counting]),
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const SETOSA = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

describe('Predictor handler (Python, run for real)', () => {
  test('classifies a typical flower of each species with its probabilities', () => {
    const { answers } = invoke([
      SETOSA,
      { sepal_length: 6.4, sepal_width: 3.2, petal_length: 4.5, petal_width: 1.5 },
      { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 },
    ]);
    assert.deepEqual(
      answers.map((a) => [a.statusCode, a.body.species]),
      [
        [200, 'setosa'],
        [200, 'versicolor'],
        [200, 'virginica'],
      ],
    );
    for (const { body } of answers) {
      const probabilities = Object.values(body.probabilities) as number[];
      assert.equal(body.confidence, Math.max(...probabilities));
      assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 0.001);
      assert.ok(body.model.test_accuracy >= 0.9);
    }
  });

  test('hands the model the measurements in feature order, whatever order the JSON uses', () => {
    const { answers, modelCalls } = invoke([{ petal_width: 4, sepal_width: 2, petal_length: 3, sepal_length: 1 }], true);
    assert.equal(answers[0].statusCode, 200);
    assert.deepEqual(modelCalls, [[1, 2, 3, 4]]);
  });

  test('refuses anything but the four plausible measurements with a 400 naming each problem, before the model runs', () => {
    const bad: (string | object)[] = [
      '',
      'not json',
      '[5.1, 3.5, 1.4, 0.2]',
      { sepal_length: 5.1 },
      { ...SETOSA, petal_length: '1.4' },
      { ...SETOSA, petal_length: true },
      { ...SETOSA, petal_length: 0 },
      { ...SETOSA, petal_length: 51 },
      JSON.stringify(SETOSA).replace('1.4', 'NaN'),
      JSON.stringify(SETOSA).replace('1.4', 'Infinity'),
      { ...SETOSA, colour: 'purple' },
      { ...SETOSA, padding: 'x'.repeat(2000) },
    ];
    const { answers, modelCalls } = invoke(bad, true);
    assert.deepEqual(modelCalls, [], 'the model must not run on bad input');
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      bad.map(() => 400),
    );
    assert.equal(answers[3].body.problems.length, 3, 'each missing field is named');
    assert.ok(answers[10].body.problems.includes("unknown field 'colour'"));
    assert.deepEqual(answers[3].body.example, SETOSA);
  });
});

describe('training (Python, run for real)', () => {
  test('reproduces the committed weights and generalises to the held-out flowers', () => {
    const run = spawnSync(PYTHON, ['-m', 'unittest', '-q', 'test_training'], {
      cwd: path.join(ROOT, 'test'),
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    // unittest reports on stderr: "Ran 4 tests ... OK".
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /Ran 4 tests/);
    assert.match(run.stderr, /\nOK\s*$/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Component } from '../content';
import { architecturalResources, isHelper, stackResources } from './architecture';
import { componentEvidence, diagramDrift } from './drift';
import { driftingDiagram, fixtureStacks, fixtureTemplate, matchingDiagram } from './fixture-template';
import { diagramNodes } from './mermaid-nodes';
import { deriveGraph } from './resource-graph';

const resources = stackResources(fixtureStacks);

describe('architecture', () => {
  test('keeps functions, APIs, tables and queues; drops roles, logs, routes, mappings and CDK helpers', () => {
    assert.deepEqual(architecturalResources(resources).map((r) => r.logicalId).sort(), ['Api1A2B3C4D', 'Handler33333333', 'Items5A5A5A5A', 'Jobs6B6B6B6B', 'JobsDlq7C7C7C7C']);
  });
  test('recognises CDK helper constructs by their ids', () => {
    assert.equal(isHelper('S/AWS679f53fac002430cb0da5b7982bd2287/Resource'), true);
    assert.equal(isHelper('S/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C/Resource'), true);
    assert.equal(isHelper('S/Handler/Resource'), false);
  });
});

describe('diagramNodes', () => {
  test('reads ids, shapes, chained edges, edge texts and the external class', () => {
    const nodes = diagramNodes(matchingDiagram);
    assert.deepEqual(nodes.map((n) => n.id).sort(), ['Api', 'Client', 'Handler', 'Items', 'Jobs', 'JobsDlq']);
    assert.deepEqual(nodes.filter((n) => n.external).map((n) => n.id), ['Client']);
  });
  test('class lines and subgraphs', () => {
    const nodes = diagramNodes('flowchart LR\n  subgraph Vpc [The VPC]\n    Fn\n  end\n  User --> Fn\n  class User external');
    assert.deepEqual(nodes.map((n) => [n.id, n.external, n.subgraph]), [['Vpc', false, true], ['Fn', false, false], ['User', true, false]]);
  });
});

describe('diagramDrift', () => {
  test('a diagram that matches its template passes', () => assert.deepEqual(diagramDrift([matchingDiagram], resources), []));
  test('a drifting diagram fails, naming the node and the resource', () => {
    const problems = diagramDrift([driftingDiagram], resources);
    assert.equal(problems.length, 2);
    assert.equal(problems[0]!.field, 'diagram node "Cache"');
    assert.match(problems[0]!.expected, /none has "Cache" in its construct path.*:::external/);
    assert.equal(problems[1]!.field, 'resource DemoStack/JobsDlq/Resource (AWS::SQS::Queue)');
    assert.match(problems[1]!.expected, /a diagram node named after one of its construct ids \(JobsDlq\)/);
  });
});

const component = (id: string, patch: Partial<Component>): Component => ({
  id, name: id, group: 'g', icon: 'resource/Client', service: id, aliases: [], cloudFormationTypes: [], iamActions: [], packages: [], includes: [], onOriginalSite: false, ...patch,
});
const registry = [
  component('http-api', { cloudFormationTypes: ['AWS::ApiGatewayV2::Api'] }),
  component('lambda', { cloudFormationTypes: ['AWS::Lambda::Function'] }),
  component('dynamodb', { cloudFormationTypes: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'] }),
  component('sqs', { cloudFormationTypes: ['AWS::SQS::Queue'] }),
  component('sns', { cloudFormationTypes: ['AWS::SNS::Topic'] }),
  component('xray', { iamActions: ['xray:PutTraceSegments'] }),
  component('polly', { iamActions: ['polly:SynthesizeSpeech'] }),
  component('express', { packages: ['express'] }),
  component('tuner', { cloudFormationTypes: ['AWS::Lambda::Function'], includes: ['sfn'] }),
  component('sfn', { cloudFormationTypes: ['AWS::StepFunctions::StateMachine'] }),
];
const evidence = (components: string[], dependencies: string[] = []) =>
  componentEvidence({ components, registry, resources, templates: [fixtureTemplate], dependencies });

describe('componentEvidence', () => {
  test('resource types, IAM actions and dependencies all count as evidence', () => {
    assert.deepEqual(evidence(['http-api', 'lambda', 'dynamodb', 'sqs', 'xray', 'express'], ['express']), []);
  });
  test('a component the template does not show fails with what was looked for', () => {
    const [p, q] = evidence(['http-api', 'lambda', 'dynamodb', 'sqs', 'sns', 'polly']);
    assert.equal(p!.field, 'components[4] (sns)');
    assert.match(p!.expected, /a resource of type AWS::SNS::Topic; found none/);
    assert.match(q!.expected, /an IAM statement allowing polly:SynthesizeSpeech/);
  });
  test('an architectural type no listed component covers fails and names the candidates', () => {
    const problems = evidence(['http-api', 'lambda', 'dynamodb']);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.expected, /a component for AWS::SQS::Queue \(deployed as DemoStack\/JobsDlq\/Resource\); add one of: sqs/);
  });
  test('an evidenced component vouches for what it includes', () => {
    assert.deepEqual(evidence(['http-api', 'tuner', 'sfn', 'dynamodb', 'sqs']), []);
  });
});

describe('deriveGraph', () => {
  const graph = deriveGraph(fixtureStacks);
  const id = new Map(graph.nodes.map((n) => [n.key, n.id]));
  const edges = graph.edges.map((e) => `${id.get(e.from)} -${e.label}-> ${id.get(e.to)}`).sort();
  test('derives invocations, grants, event sources and redrive from the template alone', () => {
    assert.deepEqual(edges, [
      'Api -invokes-> Handler',
      'Handler -consumes-> Jobs',
      'Handler -writes-> Items',
      'Jobs -dead letters-> JobsDlq',
      'Jobs -triggers-> Handler',
    ]);
  });
  test('leaves plumbing and CDK helpers out of the nodes', () => {
    assert.deepEqual(graph.nodes.map((n) => n.id).sort(), ['Api', 'Handler', 'Items', 'Jobs', 'JobsDlq']);
  });
});

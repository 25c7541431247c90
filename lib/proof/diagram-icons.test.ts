import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Component } from '../content';
import { tileBody, iconProblems, GLYPH_TILE } from '../content/aws-icons';
import { stackResources } from './architecture';
import { type IconPlan, iconManifest, staleReason } from './diagram-icons';
import { fixtureStacks } from './fixture-template';
import { iconLabel, iconName, kindAddsMeaning, withIcons } from './mermaid-icons';
import { CLIENT_ICON, type NodeIcon, PERSON_ICON, componentForNode, diagramIcons, externalIcon, nodeResource } from './node-icons';

const component = (id: string, patch: Partial<Component>): Component => ({
  id, name: id, group: 'g', icon: `architecture-service/${id}`, service: id, aliases: [], cloudFormationTypes: [], iamActions: [], packages: [], includes: [], onOriginalSite: false, ...patch,
});
const registry = [
  component('lambda', { name: 'Lambda Function', icon: 'architecture-service/AWSLambda', cloudFormationTypes: ['AWS::Lambda::Function'] }),
  component('http-api', { name: 'API Gateway HTTP API', icon: 'architecture-service/AmazonAPIGateway', cloudFormationTypes: ['AWS::ApiGatewayV2::Api'] }),
  component('rest-api', { name: 'API Gateway REST API', icon: 'architecture-service/AmazonAPIGateway', cloudFormationTypes: ['AWS::ApiGateway::RestApi'] }),
  component('dynamodb', { name: 'DynamoDB', icon: 'architecture-service/AmazonDynamoDB', cloudFormationTypes: ['AWS::DynamoDB::Table'] }),
  component('sqs', { name: 'SQS', icon: 'architecture-service/AmazonSimpleQueueService', cloudFormationTypes: ['AWS::SQS::Queue'] }),
  component('xray', { name: 'X-Ray', icon: 'architecture-service/AWSXRay' }),
  component('express', { name: 'Express', group: 'frameworks', icon: 'resource/SourceCode' }),
];
const resources = stackResources(fixtureStacks);

describe('node → icon', () => {
  test('a node is the construct whose own resource it is: the function, not its role or log group', () => {
    assert.equal(nodeResource('Handler', resources)?.type, 'AWS::Lambda::Function');
    assert.equal(nodeResource('Api', resources)?.type, 'AWS::ApiGatewayV2::Api');
    assert.equal(nodeResource('Nowhere', resources), undefined);
  });
  test('a type no component lists falls back to its service; CDK custom resources show Lambda', () => {
    assert.equal(componentForNode('AWS::Lambda::Alias', registry)?.id, 'lambda');
    assert.equal(componentForNode('Custom::AWS', registry)?.id, 'lambda');
    assert.equal(componentForNode('AWS::Budgets::Budget', registry), undefined);
  });
  test('outside actors: people, named AWS services, then a generic client; frameworks are not names', () => {
    assert.equal(externalIcon('Operator: aws lambda invoke', registry).icon, PERSON_ICON);
    assert.equal(externalIcon('AWS X-Ray', registry).icon, 'architecture-service/AWSXRay');
    assert.equal(externalIcon('Express app on a laptop', registry).icon, CLIENT_ICON);
    assert.equal(externalIcon('Order service', registry).icon, CLIENT_ICON);
  });
  test('every non-subgraph node of a diagram gets an icon; an unknown node is a problem naming it', () => {
    const code = 'flowchart LR\n  Client([Client]):::external\n  subgraph Box["Service"]\n    Handler["Lambda function: Handler"]\n  end\n  Client --> Handler --> Items\n  Handler --> Cache';
    const { icons, problems } = diagramIcons(code, resources, registry);
    assert.deepEqual([...icons].map(([id, i]) => [id, i.icon]), [
      ['Client', CLIENT_ICON], ['Handler', 'architecture-service/AWSLambda'], ['Items', 'architecture-service/AmazonDynamoDB'],
    ]);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.field, 'diagram node "Cache"');
  });
  test('a resource whose type maps to no component fails, naming the node, the type and what to add', () => {
    const budget = [{ stack: 'S', logicalId: 'B', type: 'AWS::Budgets::Budget', path: 'S/Budget', segments: ['S', 'Budget'], operations: false }];
    const { problems } = diagramIcons('flowchart LR\n  Budget["Budget: Budget"]', budget, registry);
    assert.match(problems[0]!.field, /diagram node "Budget" \(S\/Budget, AWS::Budgets::Budget\)/);
    assert.match(problems[0]!.expected, /add "AWS::Budgets::Budget" to the cloudFormationTypes of a component in content\/components\.json/);
  });
});

describe('Mermaid rewrite', () => {
  const lambda = { icon: 'architecture-service/AWSLambda', component: registry[0]! };
  test('icon names are Iconify names', () => {
    assert.equal(iconName('architecture-service/AWSLambda'), 'service-awslambda');
    assert.equal(iconName('resource/Client'), 'resource-client');
  });
  test('the kind stays only where the icon does not say it', () => {
    assert.equal(kindAddsMeaning('Lambda function', registry[0]!, registry), false);
    assert.equal(kindAddsMeaning('DynamoDB table', registry[3]!, registry), false);
    assert.equal(kindAddsMeaning('SQS DLQ', registry[4]!, registry), true);
    assert.equal(kindAddsMeaning('HTTP API', registry[1]!, registry), true, 'REST and HTTP APIs share an icon');
  });
  test('labels: the construct name in bold, then details', () => {
    assert.equal(iconLabel('Lambda function: PlaceOrder (prices, waits, saves)', lambda, registry), '<b>PlaceOrder</b><br/>prices, waits, saves');
    assert.equal(iconLabel('Lambda function: GetProduct, 512 MB', lambda, registry), '<b>GetProduct</b><br/>512 MB');
    assert.equal(iconLabel('SQS DLQ: Failures', { icon: 'x', component: registry[4]! }, registry), '<b>Failures</b><br/>SQS DLQ');
    assert.equal(iconLabel('Client: uploads a CSV', { icon: CLIENT_ICON }, registry), 'Client: uploads a CSV', 'outside actors keep their words');
  });
  test('node lines become icon shapes; classes, subgraphs, edges and bare ids are kept in place', () => {
    const code = 'flowchart LR\n  accTitle: T\n  Client([Client]):::external\n  subgraph Box["Service"]\n    Handler["Lambda function: Handler"]\n  end\n  Client -->|"calls Handler"| Handler --> Items';
    const icons = new Map<string, NodeIcon>([['Client', { icon: CLIENT_ICON }], ['Handler', lambda], ['Items', { icon: 'architecture-service/AmazonDynamoDB', component: registry[3]! }]]);
    assert.equal(
      withIcons(code, icons, registry),
      [
        'flowchart LR', '  accTitle: T',
        '  Client@{ icon: "aws:resource-client", label: "Client", pos: "b", h: 48 }', '  class Client external',
        '  subgraph Box["Service"]', '    Handler@{ icon: "aws:service-awslambda", label: "<b>Handler</b>", pos: "b", h: 48 }', '  end',
        '  Items@{ icon: "aws:service-amazondynamodb", label: "Items", pos: "b", h: 48 }',
        '  Client -->|"calls Handler"| Handler --> Items',
      ].join('\n'),
    );
  });
});

describe('icon tiles', () => {
  test('a service tile is kept; a bare glyph, dark or coloured, is placed unchanged on a white tile', () => {
    assert.equal(tileBody('<svg viewBox="0 0 64 64"><title>x</title><path fill="#ed7100" d="M0 0"/></svg>'), '<path fill="#ed7100" d="M0 0"/>');
    const general = tileBody('<svg viewBox="0 0 48 48"><title>x</title><path fill="#232f3d" d="M1 1"/></svg>');
    // A bare glyph keeps its own colours, unchanged, on a white tile.
    assert.equal(general, `${GLYPH_TILE}<g transform="translate(8 8)"><path fill="#232f3d" d="M1 1"/></g>`);
    assert.equal(tileBody('<svg viewBox="0 0 48 48"><path fill="#e7157b" d="M1 1"/></svg>'), `${GLYPH_TILE}<g transform="translate(8 8)"><path fill="#e7157b" d="M1 1"/></g>`);
  });
  test('the gateway names the component, the field and the form of a missing icon', () => {
    const problems = iconProblems({ groups: [], components: [component('x', { icon: 'resource/Nope' })] }, () => false);
    assert.equal(problems[0]!.field, 'components[0].icon (x)');
    assert.match(problems[0]!.expected, /a file of the aws-icons package, such as "architecture-service\/AWSLambda".*resource\/Nope\.svg does not exist/);
  });
});

describe('staleness', () => {
  const plan: IconPlan = { hash: 'h1', title: 'T', code: '', icons: { Fn: 'architecture-service/AWSLambda' } };
  test('a render drawn with the planned icons is current', () => assert.equal(staleReason(plan, iconManifest([plan], '3.3.0'), '3.3.0'), undefined));
  test('a changed resource type, a new aws-icons or a missing entry makes it stale', () => {
    const drawn = iconManifest([{ ...plan, icons: { Fn: 'architecture-service/AmazonSimpleQueueService' } }], '3.3.0');
    assert.match(staleReason(plan, drawn, '3.3.0')!, /Fn: drawn architecture-service\/AmazonSimpleQueueService, now architecture-service\/AWSLambda/);
    assert.match(staleReason(plan, iconManifest([plan], '3.2.0'), '3.3.0')!, /aws-icons 3\.2\.0, installed is 3\.3\.0/);
    assert.match(staleReason(plan, iconManifest([], '3.3.0'), '3.3.0')!, /not in public\/diagrams\/icons\.json/);
    assert.match(staleReason(plan, undefined, '3.3.0')!, /icons\.json is missing/);
  });
});

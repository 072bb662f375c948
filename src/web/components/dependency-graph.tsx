import '@xyflow/react/dist/style.css';
import {
  Background,
  Controls,
  type Edge,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
} from '@xyflow/react';
import ELK from 'elkjs/lib/elk.bundled.js';
import { useEffect, useMemo, useState } from 'react';
import type { Status } from '../api/types.ts';
import { formatDate, STATUS_LABEL } from '../format/format.ts';

/** Status words in a node: dark enough to read at 11 px. */
const STATUS_TEXT = { on_track: '#1e6b2e', at_risk: '#8a4b00', off_track: '#a61b1b' } as const;

export type GraphNodeKind = 'milestone' | 'kpi' | 'objective';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  name: string;
  unit: string | null;
  status: Status | null;
  /** Milestones: forecast date and slip; KPIs and objectives: nothing. */
  forecastDate?: string;
  slipWorkingDays?: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
}

export type Highlight = 'selected' | 'upstream' | 'downstream' | 'dimmed' | 'none';

interface MilestoneNodeData extends Record<string, unknown> {
  node: GraphNode;
  unitColor: string;
  highlight: Highlight;
}

const KIND_LABEL: Record<GraphNodeKind, string> = {
  milestone: 'Milestone',
  kpi: 'KPI',
  objective: 'Objective',
};

function GraphNodeCard({ data }: NodeProps<Node<MilestoneNodeData>>) {
  const { node, unitColor, highlight } = data;
  return (
    <div
      className={`graph-node graph-node-${node.kind} highlight-${highlight}`}
      style={{ borderLeftColor: unitColor }}
      data-node={node.id}
      data-highlight={highlight}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="graph-node-head">
        <span className="graph-node-kind">
          {KIND_LABEL[node.kind]}
          {node.unit !== null && ` · ${node.unit}`}
        </span>
        {node.status !== null && (
          <span className="graph-node-status" style={{ color: STATUS_TEXT[node.status] }}>
            {STATUS_LABEL[node.status]}
          </span>
        )}
      </div>
      <div className="graph-node-id">{node.id}</div>
      <div className="graph-node-name">{node.name}</div>
      {node.forecastDate !== undefined && (
        <div className="graph-node-date">
          {formatDate(node.forecastDate)}
          {node.slipWorkingDays !== undefined && node.slipWorkingDays > 0 && (
            <strong style={{ color: STATUS_TEXT.off_track }}> +{node.slipWorkingDays} wd</strong>
          )}
        </div>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const NODE_TYPES = { card: GraphNodeCard };
const NODE_WIDTH = 220;
const NODE_HEIGHT = 92;
const elk = new ELK();

interface DependencyGraphProps {
  nodes: GraphNode[];
  edges: GraphEdge[];
  unitColor: (unit: string | null) => string;
  highlightOf: (id: string) => Highlight;
  edgeHighlight: (edge: GraphEdge) => Highlight;
  onSelect: (id: string | null) => void;
}

/** Milestones, the KPIs their benefits move and the objectives those measure, laid out left to right by ELK. */
export function DependencyGraph({
  nodes,
  edges,
  unitColor,
  highlightOf,
  edgeHighlight,
  onSelect,
}: DependencyGraphProps) {
  const [positions, setPositions] = useState<Map<string, { x: number; y: number }> | null>(null);
  const shape = JSON.stringify([nodes.map((n) => n.id), edges.map((e) => [e.from, e.to])]);
  useEffect(() => {
    let cancelled = false;
    elk
      .layout({
        id: 'root',
        layoutOptions: {
          'elk.algorithm': 'layered',
          'elk.direction': 'RIGHT',
          'elk.spacing.nodeNode': '36',
          'elk.layered.spacing.nodeNodeBetweenLayers': '70',
          'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
        },
        children: nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
        edges: edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
      })
      .then((laid) => {
        if (cancelled) return;
        setPositions(
          new Map((laid.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }])),
        );
      })
      .catch(() => {
        if (!cancelled)
          setPositions(
            new Map(nodes.map((n, i) => [n.id, { x: (i % 4) * 260, y: Math.floor(i / 4) * 130 }])),
          );
      });
    return () => {
      cancelled = true;
    };
    // The layout depends on the graph's shape only, not on statuses or highlights.
  }, [shape]);

  const flowNodes = useMemo<Node<MilestoneNodeData>[]>(
    () =>
      positions === null
        ? []
        : nodes.map((n) => ({
            id: n.id,
            type: 'card',
            position: positions.get(n.id) ?? { x: 0, y: 0 },
            data: { node: n, unitColor: unitColor(n.unit), highlight: highlightOf(n.id) },
            ariaLabel: `${KIND_LABEL[n.kind]} ${n.id}, ${n.name}${n.status === null ? '' : `, ${STATUS_LABEL[n.status]}`}`,
            draggable: false,
            connectable: false,
            width: NODE_WIDTH,
            height: NODE_HEIGHT,
          })),
    [nodes, positions, unitColor, highlightOf],
  );
  const flowEdges = useMemo<Edge[]>(
    () =>
      edges.map((e) => {
        const highlight = edgeHighlight(e);
        const color =
          highlight === 'upstream'
            ? '#e8590c'
            : highlight === 'downstream'
              ? '#c92a2a'
              : highlight === 'dimmed'
                ? '#dee2e6'
                : '#868e96';
        return {
          id: `${e.from}->${e.to}`,
          source: e.from,
          target: e.to,
          label: e.label,
          animated: highlight === 'upstream' || highlight === 'downstream',
          style: {
            stroke: color,
            strokeWidth: highlight === 'upstream' || highlight === 'downstream' ? 2.5 : 1.5,
          },
          labelStyle: { fill: '#343a40', fontSize: 11, fontWeight: 600 },
          labelBgStyle: { fill: '#fff' },
          markerEnd: { type: MarkerType.ArrowClosed, color },
          focusable: false,
          selectable: false,
          data: { highlight },
        };
      }),
    [edges, edgeHighlight],
  );
  if (positions === null) return <div className="graph-placeholder">Laying out the graph…</div>;
  return (
    <ReactFlow
      nodes={flowNodes}
      edges={flowEdges}
      nodeTypes={NODE_TYPES}
      fitView
      fitViewOptions={{ padding: 0.08, maxZoom: 1.1 }}
      minZoom={0.3}
      maxZoom={1.6}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable
      onNodeClick={(_, node) => onSelect(node.id)}
      onPaneClick={() => onSelect(null)}
      proOptions={{ hideAttribution: true }}
      aria-label="Dependency graph"
    >
      <Background gap={24} color="#e9ecef" />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}

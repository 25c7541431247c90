import { mountIsland } from '@/lib/islands/mount';
import { PatternExplorer } from '@/components/explore/pattern-explorer';

mountIsland('pattern-explorer', PatternExplorer);

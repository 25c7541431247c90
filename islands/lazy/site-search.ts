import { SiteSearch } from '@/components/search/site-search';
import { mountIsland } from '@/lib/islands/mount';

mountIsland('site-search', SiteSearch);

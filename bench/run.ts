/** `npm run bench`: every benchmark in bench/, one after the other. */
import { benchPlan } from './plan.ts';

await benchPlan();

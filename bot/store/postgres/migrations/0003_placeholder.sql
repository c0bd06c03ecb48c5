-- 0003: placeholder for the sched branch's migration (issue 14); dropped at the merge.
SELECT 1;

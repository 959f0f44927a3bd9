#!/bin/bash
# Submits SHARDS array tasks and a merge that runs only if every task succeeded.
#   SHARDS=8 REPLICAS=10000 SCENARIO=scenarios/national_2024.toml examples/slurm/submit.sh
# Prints the two job ids (array, merge). Variables pass to the jobs (sbatch --export=ALL),
# SOURCE_DATE_EPOCH too: set it to stamp the merged outputs with a time of your choosing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SHARDS=${SHARDS:-4}
export CASELOAD=${CASELOAD:-caseload} SCENARIO=${SCENARIO:-scenarios/default_force.toml} \
    REPLICAS=${REPLICAS:-1000} PARTS=${PARTS:-parts} OUT=${OUT:-output/merged}
mkdir -p logs
array=$(sbatch --parsable --array=1-"$SHARDS" "$here/shards.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" "$here/merge.sbatch")
echo "$array ${merge%%;*}"

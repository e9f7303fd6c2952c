# SPDX-License-Identifier: GPL-2.0-or-later
# bench/median-max.bash: median_max reads integers, one a line, and prints
# "MEDIAN MAX" (the median of an even count is the mean of the middle two).
# Sourced by bench/failover and bench/chain-floor.
median_max() {
    sort -n | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "%d %d\n", m, a[NR] }'
}

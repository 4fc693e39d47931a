# ns/packet against concurrent flows, from grobench's plot.dat.
#   gnuplot -e "datafile='build/bench/plot.dat'; outfile='x.png'" bench/plot.gp
set terminal pngcairo size 1100,700 font "DejaVu Sans,12" noenhanced
set output outfile
set title "TCP/IPv4 GRO, one core, bursts of 32 (lower is better)"
set xlabel "concurrent flows"
set ylabel "time per packet (median)"
set logscale xy
set ytics ("1 ns" 1, "10 ns" 10, "100 ns" 100, "1 us" 1000, "10 us" 10000, "100 us" 100000, "1 ms" 1000000)
set xtics ("1" 1, "16" 16, "64" 64, "1K" 1024, "64K" 65536, "1M" 1048576)
set xrange [0.7:1.5e6]
set yrange [5:*]
set grid xtics ytics mytics
set key outside right top box
set datafile missing "NaN"
plot datafile u 1:2 w lp lw 2 pt 7 lc rgb "#1f77b4" t "libgro, interleaved", \
     ''       u 1:3 w lp lw 2 pt 5 dt 2 lc rgb "#1f77b4" t "libgro, runs", \
     ''       u 1:4 w lp lw 2 pt 7 lc rgb "#2ca02c" t "rte_gro lightweight, interleaved", \
     ''       u 1:5 w lp lw 2 pt 5 dt 2 lc rgb "#2ca02c" t "rte_gro lightweight, runs", \
     ''       u 1:6 w lp lw 2 pt 7 lc rgb "#d62728" t "rte_gro heavyweight, interleaved", \
     ''       u 1:7 w lp lw 2 pt 5 dt 2 lc rgb "#d62728" t "rte_gro heavyweight, runs"

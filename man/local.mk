dist_man_MANS += man/hull.8

#!/usr/bin/env python3
"""Baseline for bench/notebooktests: every notebook of a folder executed one after another with nbclient, each on a
fresh kernel in the notebook's folder, in one Python process (what a loop over nbclient, or nbval without xdist, does).

  nbclient_folder.py FOLDER        prints the number of notebooks run
  nbclient_folder.py --save FOLDER  also writes each executed notebook back (to give it saved outputs)
"""
import glob
import os
import sys

import nbclient
import nbformat

save = sys.argv[1] == "--save"
folder = sys.argv[2] if save else sys.argv[1]
paths = sorted(glob.glob(os.path.join(folder, "*.ipynb")))
for path in paths:
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
    if save:
        nbformat.write(nb, path)
print(len(paths))

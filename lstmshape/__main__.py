from lstmshape.cli import entry

entry()

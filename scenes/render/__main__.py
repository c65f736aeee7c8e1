import sys

from scenes.render import main

sys.exit(main())

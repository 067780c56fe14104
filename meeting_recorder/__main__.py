from meeting_recorder.cli import main

raise SystemExit(main())

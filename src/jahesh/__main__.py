from jahesh.cli import main

main()

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>DropArea</name>
    <message>
        <location filename="../widgets.py" line="45"/>
        <source>Drop audio or video files here</source>
        <translation>오디오 또는 동영상 파일을 여기에 끌어다 놓으세요</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="41"/>
        <source>Meeting Recorder</source>
        <translation>회의 녹음기</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="63"/>
        <location filename="../main_window.py" line="114"/>
        <source>Open file…</source>
        <translation>파일 열기…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="66"/>
        <source>tiny.en — fast, English only</source>
        <translation>tiny.en — 빠름, 영어 전용</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="67"/>
        <source>base — multilingual</source>
        <translation>base — 다국어</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="69"/>
        <source>Auto-detect</source>
        <translation>자동 감지</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="70"/>
        <source>English</source>
        <translation>영어</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="71"/>
        <source>Korean</source>
        <translation>한국어</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="78"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="81"/>
        <source>Ready. Drop files here or click “Open file…”.</source>
        <translation>준비되었습니다. 파일을 여기에 끌어다 놓거나 “파일 열기…”를 누르세요.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="93"/>
        <location filename="../main_window.py" line="115"/>
        <source>Save transcript…</source>
        <translation>녹취록 저장…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="101"/>
        <source>Model:</source>
        <translation>모델:</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="102"/>
        <source>Language:</source>
        <translation>언어:</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="106"/>
        <source>Transcript:</source>
        <translation>녹취록:</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="112"/>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="116"/>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="132"/>
        <source>Audio and video files ({patterns})</source>
        <translation>오디오 및 동영상 파일 ({patterns})</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="133"/>
        <source>All files (*)</source>
        <translation>모든 파일 (*)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="134"/>
        <source>Open audio or video files</source>
        <translation>오디오 또는 동영상 파일 열기</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="162"/>
        <location filename="../main_window.py" line="206"/>
        <source>Transcribing {name} ({index} of {total})…</source>
        <translation>{name} 받아쓰는 중 ({total}개 중 {index}번째)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="171"/>
        <source>Done: {done} of {total} file(s) transcribed.</source>
        <translation>완료: 파일 {total}개 중 {done}개를 받아썼습니다.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="193"/>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="200"/>
        <source>Loading model {model}…</source>
        <translation>{model} 모델을 불러오는 중…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="214"/>
        <source>{processed} processed</source>
        <translation>{processed} 처리함</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="220"/>
        <source>{percent}% — about {eta} left</source>
        <translation>{percent}% — 약 {eta} 남음</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="242"/>
        <source>Could not transcribe: {message}</source>
        <translation>받아쓰지 못했습니다: {message}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="249"/>
        <source>Cancelled. Nothing was saved.</source>
        <translation>취소되었습니다. 아무것도 저장하지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="266"/>
        <source>Plain text (*.txt)</source>
        <translation>일반 텍스트 (*.txt)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="266"/>
        <source>SubRip subtitles (*.srt)</source>
        <translation>SubRip 자막 (*.srt)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="266"/>
        <source>WebVTT subtitles (*.vtt)</source>
        <translation>WebVTT 자막 (*.vtt)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="267"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="267"/>
        <source>Markdown (*.md)</source>
        <translation>마크다운 (*.md)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="276"/>
        <source>Save transcript</source>
        <translation>녹취록 저장</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="288"/>
        <source>Could not save {path}: {error}</source>
        <translation>{path}에 저장하지 못했습니다: {error}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="291"/>
        <source>Saved {path}.</source>
        <translation>{path}에 저장했습니다.</translation>
    </message>
</context>
</TS>

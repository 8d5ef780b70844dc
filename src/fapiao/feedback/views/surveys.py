"""满意度调查 page: the question sent to this person, and their answer (once)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fapiao.feedback.errors import SurveyNotFound
from fapiao.feedback.models import SurveyResponse
from fapiao.feedback.surveys import answer_survey
from fapiao.web.http import flash_result, parse_id, user_of


@login_required
def survey_page(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = user_of(request)
    response = (
        SurveyResponse.objects.select_related("survey")
        .filter(survey_id=survey_id, user=user)
        .first()
    )
    if response is None:
        raise SurveyNotFound()
    if request.method == "POST":
        score = parse_id(request.POST.get("score")) or 0
        comment = request.POST.get("comment", "")
        flash_result(
            request,
            lambda: answer_survey(survey_id=survey_id, user=user, score=score, comment=comment),
            "感谢您的评价！",
        )
        return redirect("feedback-survey", survey_id)
    return render(request, "feedback/survey.html", {"nav": "help", "response": response})
